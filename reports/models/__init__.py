"""The reports app's models, one module per concern: API tokens, the published snapshot of a
round, action plans with the staff page, and the stored psychometric figures."""

from .action_plans import (
    Action,
    ActionPlan,
    ActionStatus,
    AppendOnlyError,
    PlanEvent,
    PlanEventKind,
    PlanSignature,
    StaffPage,
)
from .api_token import ApiToken
from .psychometrics import Psychometrics
from .snapshot import (
    Cell,
    ChoiceCell,
    ItemCell,
    MunicipalityScore,
    Publication,
    PublishedMunicipality,
    PublishedUnit,
    RespondentCell,
    ScoreCell,
    TenureCell,
    TenureScoreCell,
)

__all__ = [
    "Action",
    "ActionPlan",
    "ActionStatus",
    "ApiToken",
    "AppendOnlyError",
    "Cell",
    "ChoiceCell",
    "ItemCell",
    "MunicipalityScore",
    "PlanEvent",
    "PlanEventKind",
    "PlanSignature",
    "Psychometrics",
    "Publication",
    "PublishedMunicipality",
    "PublishedUnit",
    "RespondentCell",
    "ScoreCell",
    "StaffPage",
    "TenureCell",
    "TenureScoreCell",
]
