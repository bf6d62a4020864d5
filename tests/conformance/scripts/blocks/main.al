<x = a +
  b +
# a comment inside the block
  c>
<if !x == abc then
   y = yes>
<z = {"k":
   "v"}>
done = 1
