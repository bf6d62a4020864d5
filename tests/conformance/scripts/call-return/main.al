x = 1
call sub
y = !x
end script
:sub:
x = 2
return
