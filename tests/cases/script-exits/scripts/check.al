print "stopping the deployment"
exit scripts
