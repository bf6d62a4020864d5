process /s/check.al
print "never reached"
