on error call handler
x = a +
y = 1
end script
:handler:
h = 1
return
