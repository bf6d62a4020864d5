:set-params:
x = 1
:set-params-again:
y = 2
