a = 1
if !a == 1 then goto stop
b = 2
:stop:
c = 3
exit scripts
d = 4
