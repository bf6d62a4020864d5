on error ignore
set node nme edge-node
print "configured"
