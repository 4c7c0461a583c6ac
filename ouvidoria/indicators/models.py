"""The ledgers of daily figures that PostgreSQL keeps for the indicators (``ouvidoria.indicators.ledger``)."""

from django.db import models


class DailyFigure(models.Model):
    """What the cases received on ``day`` by an entity, through an instance, add to the figures (a ledger row).

    ``dimension`` empty: the counts and sums of every figure. Otherwise ``n_received`` only, for the cases whose
    record type, medium, subject or state (``dimension``) is ``value`` ('' when none). Rows are appended by triggers
    and summed by ``ledger.compact``; a key may have several rows until then.
    """

    entity_id = models.BigIntegerField()
    instance_id = models.CharField(max_length=40)
    day = models.DateField()
    dimension = models.CharField(max_length=10, blank=True)
    value = models.CharField(max_length=80, blank=True)
    n_received = models.BigIntegerField(default=0)
    n_answered = models.BigIntegerField(default=0)
    sum_days = models.BigIntegerField(default=0)
    n_on_time = models.BigIntegerField(default=0)
    n_upheld = models.BigIntegerField(default=0)
    n_not_upheld = models.BigIntegerField(default=0)
    n_resolved = models.BigIntegerField(default=0)
    n_not_resolved = models.BigIntegerField(default=0)
    sum_rating = models.BigIntegerField(default=0)
    n_rated = models.BigIntegerField(default=0)
    n_extended = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="daily_figure_day"),
            models.Index(fields=["entity_id", "day"], name="daily_figure_entity_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.entity_id}/{self.instance_id} {self.dimension or 'totais'} {self.value}"


class DailyFlow(models.Model):
    """How many of the cases received on ``day`` were answered on ``concluded_on`` and ended (answered or archived)
    on ``settled_on``, local dates, empty when not yet (a ledger row, as ``DailyFigure``)."""

    entity_id = models.BigIntegerField()
    instance_id = models.CharField(max_length=40)
    day = models.DateField()
    concluded_on = models.DateField(null=True)
    settled_on = models.DateField(null=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="daily_flow_day"),
            models.Index(fields=["entity_id", "day"], name="daily_flow_entity_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.entity_id}/{self.instance_id} {self.concluded_on} {self.settled_on}: {self.n}"
