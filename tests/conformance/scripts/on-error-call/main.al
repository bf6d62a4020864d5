on error call handler
a = 1
frobnicate the node
b = 2
end script
:handler:
h = 1
return
