from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lifevalley.models import ParkProfile
from lifevalley.structured_data import absolute
from opendata.models import DataFile, Licence
from opendata.services import fresh_files

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def dataset_descriptions():
    return {
        "directory": _(
            "The companies, research institutions, universities, hospitals and public bodies "
            "of the park: kind, sectors, zone, contact details and stock listing."
        ),
        "events": _(
            "The park's published events, past and upcoming: times (Beijing), status, "
            "category, venue, zone, organisers and the iCalendar UID of each."
        ),
    }


def catalogue_data(datasets, licence, park):
    """schema.org DataCatalog with one Dataset per download group, for search engines."""
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": _("Life Valley open data"),
        "url": absolute(reverse("opendata:catalogue")),
        "license": licence.url,
        "publisher": {"@type": "Organization", "name": park.name},
        "dataset": [
            {
                "@type": "Dataset",
                "name": dataset["name"],
                "description": dataset["description"],
                "url": absolute(reverse("opendata:catalogue")) + f"#{dataset['slug']}",
                "license": licence.url,
                "isAccessibleForFree": True,
                "inLanguage": ["en", "zh-Hans"],
                "creator": {"@type": "Organization", "name": park.name},
                "dateModified": dataset["made_at"].isoformat(),
                "distribution": [
                    {
                        "@type": "DataDownload",
                        "encodingFormat": CONTENT_TYPES[f.format].split(";")[0],
                        "contentUrl": absolute(f.url),
                        "contentSize": f"{f.size} B",
                        "dateModified": f.made_at.isoformat(),
                    }
                    for f in dataset["files"]
                ],
            }
            for dataset in datasets
        ],
    }


@require_safe
def catalogue(request):
    files = fresh_files()
    descriptions = dataset_descriptions()
    datasets = []
    for slug, name in DataFile.Dataset.choices:
        dataset_files = [files[(slug, fmt)] for fmt in DataFile.Format.values]
        for data_file in dataset_files:
            data_file.url = reverse("opendata:download", args=[slug, data_file.format])
        datasets.append({
            "slug": slug, "name": name, "description": descriptions[slug],
            "files": dataset_files, "rows": dataset_files[0].rows,
            "made_at": dataset_files[0].made_at,
        })
    licence = Licence.current()
    context = {
        "datasets": datasets,
        "licence": licence,
        "structured_data": catalogue_data(datasets, licence, ParkProfile.current()),
    }
    return render(request, "opendata/catalogue.html", context)


@require_safe
def download(request, dataset, file_format):
    if dataset not in DataFile.Dataset.values or file_format not in DataFile.Format.values:
        raise Http404(_("There is no such download."))
    data_file = fresh_files()[(dataset, file_format)]
    etag = f'"{data_file.digest}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=data_file.made_at.timestamp()
    )
    if not_modified is not None:
        return not_modified
    response = FileResponse(
        data_file.file.open("rb"),
        as_attachment=True,
        filename=f"lifevalley-{dataset}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
    )
    response["ETag"] = etag
    response["Last-Modified"] = data_file.made_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response
