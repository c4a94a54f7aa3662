from django.urls import path

from events import atom, feeds, views

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("past/", views.EventListView.as_view(past=True), name="past"),
    path("calendar/", views.current_month, name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.month_view, name="month"),
    path("feed.ics", feeds.feed_ics, name="feed"),
    path("feed.atom", atom.NewEventsFeed(), name="atom"),
    path("<slug:slug>.ics", feeds.event_ics, name="ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
]
