if !x == false then inner = yes
