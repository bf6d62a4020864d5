policy_id = 1
:wait-for-policy:
if !policy_id then goto wait-for-policy
print "found"
