t = 2
if !t == 1 then
do a = one
else if !t == 2 then
do a = two
else if !t == 3 then
do a = three
else a = other
if !t == 9 then b = nine
else b = not-nine
