on error goto handler
v = a:b
x = python !v.split(":")[5]
y = 1
end script
:handler:
h = !x
