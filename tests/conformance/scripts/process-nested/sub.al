inner = !outer
if !inner == 2 then inner_two = yes
