# The Django project package. It is imported as ``site`` through erp.bootstrap.
