x = 1
if !x == 1 then
<do y = a +
  b>
<else z = c>
