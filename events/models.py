# The events calendar is built in its own issue.
