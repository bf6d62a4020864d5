x = true
y = false
if !x == true then
do o2 = 2
else o3 = 3
if !x == true and !y == true then o1 = 1
