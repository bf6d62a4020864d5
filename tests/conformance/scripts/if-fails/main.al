on error goto handler
x = 3
if !x.int < 5.5 then y = 1
z = 1
end script
:handler:
h = 1
