on error goto handler
set frob on
a = 1
end script
:handler:
h = 1
