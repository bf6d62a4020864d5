process /s/check_good.al
print "always reached"
