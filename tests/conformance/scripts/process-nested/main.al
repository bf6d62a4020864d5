outer = 1
if !outer == 1 then
process /s/sub.al
do after = yes
else after = no
