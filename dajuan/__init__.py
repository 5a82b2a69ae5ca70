"""dajuan (答卷): a district government's closed loop of service."""
