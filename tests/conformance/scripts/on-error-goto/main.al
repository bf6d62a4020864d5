on error goto handler
a = 1
frobnicate the node
b = 2
end script
:handler:
h = 1
