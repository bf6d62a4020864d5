s = 1
exit scripts
t = 2
