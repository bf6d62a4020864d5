:wait-for-policy:
policy_id = blockchain get operator bring.first [*][id]
if not !policy_id then goto wait-for-policy
print "found"
