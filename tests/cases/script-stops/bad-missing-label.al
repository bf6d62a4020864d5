on error goto handler
if !company_name then goto have-company
print "no company"
end script
:handler:
print "failed"
