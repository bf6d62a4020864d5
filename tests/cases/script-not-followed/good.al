depth = x
if !depth == xxx then end script
print "shallow"
