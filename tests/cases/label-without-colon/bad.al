on error ignore
if not !contract then goto create-contract-error
end script
:create-contract-error
print "failed to create contract"
