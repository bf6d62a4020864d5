on error ignore
set node name edge-node
print "configured"
