from lifevalley.models import ParkProfile


def park(request):
    return {"park": ParkProfile.current()}
