on error ignore
set anylog_path = /app
create work directories
print "done"
