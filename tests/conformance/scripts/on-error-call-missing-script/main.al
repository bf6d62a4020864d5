on error call handler
a = 1
process /s/missing.al
b = 2
end script
:handler:
h = 1
return
