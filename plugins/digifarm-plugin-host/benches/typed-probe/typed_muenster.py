"""The Münster admission validator of the Python SDK's example
(plugins/examples-python/muenster-admission), as a component of the probe world
`typed-validator`: the same class, its findings converted by the SDK as in every Python
plugin, but the projects are the typed WIT records componentize-py built before the call,
not the SDK's lazily decoded ones. A measurement for the bench `typed_world`, not a plugin."""

import wit_world
from digifarm_plugin import _guest
from muenster_admission import MuensterAdmission

_plugin = MuensterAdmission()


class WitWorld(wit_world.WitWorld):
    def validate(self, city, projects):
        # The WIT records have the SDK records' field names (`city.name`, `p.links.source`).
        found = _guest._list(_plugin.validate(city, projects), "validate")
        return [_guest._diagnostic(d, i) for i, d in enumerate(found)]
