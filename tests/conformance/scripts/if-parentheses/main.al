a = true
b = false
if (!a == true) and (!b == true) then r1 = yes
if (!a == true) or (!b == true) then r2 = yes
if !a == true and !b == true or !a == true then r3 = yes
