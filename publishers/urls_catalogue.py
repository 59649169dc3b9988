"""URL stub"""

urlpatterns = []
