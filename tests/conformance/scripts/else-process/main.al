x = true
if !x == true then
do process /s/sub.al
do after = yes
else after = no
