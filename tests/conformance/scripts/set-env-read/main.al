set $MY_VAR = hello
x = $MY_VAR
if $MY_VAR == hello then y = yes
set z = $MY_VAR
