"""A validator of the probe world `typed-validator` that returns at once: what a call costs
when the projects arrive as typed WIT records (componentize-py builds every record before
the call). A measurement for the bench `typed_world`, not a plugin."""

import wit_world


class WitWorld(wit_world.WitWorld):
    def validate(self, city, projects):
        return []
