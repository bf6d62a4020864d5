on error goto handler
x = true
if !x != true goto handler
z = 1
end script
:handler:
h = 1
