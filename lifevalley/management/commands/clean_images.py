from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from lifevalley.images import is_clean_name
from lifevalley.models import RenditionsMixin


class Command(BaseCommand):
    help = (
        "Store every image uploaded before originals were cleaned again: without metadata, "
        "under a unique name with its true extension, with fresh renditions; the old files "
        "are deleted. Images already stored that way are left alone, so it can be run again."
    )

    def handle(self, *args, **options):
        cleaned = failed = 0
        for model in apps.get_models():
            if not issubclass(model, RenditionsMixin):
                continue
            for field in model.image_fields:
                stale = model._base_manager.exclude(**{field: ""}).order_by("pk")
                for obj in stale.iterator():
                    file = getattr(obj, field)
                    if is_clean_name(file.name):
                        continue
                    try:
                        with file.open("rb") as original:
                            content = ContentFile(original.read())
                        with transaction.atomic():
                            file.save(file.name, content, save=False)
                            obj.save(update_fields=[field])
                    except (OSError, ValueError, SyntaxError) as error:
                        failed += 1
                        self.stderr.write(f"{model.__name__} {obj.pk} {file.name}: {error}")
                        continue
                    cleaned += 1
        self.stdout.write(self.style.SUCCESS(f"{cleaned} images cleaned, {failed} unreadable."))
