if not !company_name then goto missing-company
print "company set"
end script
:missing-company:
print "COMPANY_NAME is not set"
