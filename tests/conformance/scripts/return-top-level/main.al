a = 1
return
b = 2
