# a misspelt command with no `on error` handler ends the script
set anylog_path = /app
creat work directories
print "done"
