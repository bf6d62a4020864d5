on error ignore
set a = 60 seconds
set b = test
c = test
set node name my-node
set x = 1
