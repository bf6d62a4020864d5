x = true
y = false
if !x == true then
do if !y == true then o1 = 1
do o2 = 2
else o3 = 3
