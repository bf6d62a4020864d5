:again:
s = !s + x
if !s != xxx then goto again
done = !s
