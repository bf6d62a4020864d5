call stop
after = 1
end script
:stop:
inside = 1
exit scripts
