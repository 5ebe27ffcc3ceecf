"""The four formats peerassist ships, from the method's guides. A data migration loads them;
organisers copy and edit them. Prompt questions are the guides' words.

The texts are msgids (gettext_noop): the rows hold English, and `shipped_text` shows a row's
text in the reader's language while it is still the shipped text."""

from typing import Any

from django.utils.translation import gettext, gettext_noop

FACILITATION = ["facilitator", "note_taker"]
EVERYONE = ["home_peer", "visiting_peer", *FACILITATION]
#: What visiting peers share from experience (the guides: practices, lessons learned,
#: options, recommendations, sources).
SHARE = ["practice", "lesson", "option", "recommendation", "source"]
#: Mini guide, step 4: surprises, what was expected but not heard, what else we need to
#: know, other sources — and the insights they add up to.
TOGETHER = ["surprise", "expected_not_heard", "need_to_know", "source", "insight"]

MINI = {
    "kind": "mini",
    "name": gettext_noop("Mini Peer Assist"),
    "description": gettext_noop(
        "One hour inside a larger meeting, such as a community of practice's. Home peers "
        "with a specific challenge gather practices, learning and insights from visiting "
        "peers before they start."
    ),
    "steps": [
        {
            "name": gettext_noop("Home peer challenge"),
            "phase": "before",
            "duration_minutes": 0,
            "description": gettext_noop(
                "The home peer provides a brief summary (a couple of paragraphs and no more "
                "than one page) of their upcoming challenge, including the business context "
                "and their planned approach. Send it at least one week before the event so "
                "that people can prepare what they can share."
            ),
            "prompt_questions": [],
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": [],
            "role_kinds": {"home_peer": ["purpose", "context"]},
        },
        {
            "name": gettext_noop("What the home peers know"),
            "phase": "during",
            "duration_minutes": 10,
            "description": gettext_noop(
                "After a brief introduction by the facilitator, the home peer briefly presents "
                "their business context, their key challenge, and their current plan and "
                "approach. Deliberately short, to leave the time for the visiting peers."
            ),
            "prompt_questions": [],
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["question"],
            "role_kinds": {"home_peer": ["purpose", "context", "question"]},
        },
        {
            "name": gettext_noop("What the visiting peers know"),
            "phase": "during",
            "duration_minutes": 25,
            "description": gettext_noop(
                "The facilitator asks the visiting peers for their experience, and probes it "
                "for more detailed information and insights."
            ),
            "prompt_questions": [
                gettext_noop(
                    "What relevant practices or approaches have you taken in addressing similar challenges?"
                ),
                gettext_noop("What were you trying to achieve?"),
                gettext_noop("What were the key drivers that led to success or failure?"),
                gettext_noop(
                    "What information & knowledge helped to set your objectives and develop your plan?"
                ),
            ],
            "posting_roles": ["visiting_peer", *FACILITATION],
            "contribution_kinds": ["practice", "lesson", "option", "recommendation", "source"],
            "role_kinds": {
                "visiting_peer": [*SHARE],
                "home_peer": ["question"],
            },
        },
        {
            "name": gettext_noop("What we all now know together"),
            "phase": "during",
            "duration_minutes": 15,
            "description": gettext_noop(
                "The combined group now knows more than each knew before. The facilitator "
                "draws out this collective knowledge to create shared understanding."
            ),
            "prompt_questions": [
                gettext_noop("What did you learn that surprised you?"),
                gettext_noop("What haven't you heard that you expected to?"),
                gettext_noop("What else do you need to know?"),
                gettext_noop("Other Sources?"),
            ],
            "posting_roles": EVERYONE,
            "contribution_kinds": [
                "surprise",
                "expected_not_heard",
                "need_to_know",
                "source",
                "insight",
            ],
            "role_kinds": {"home_peer": [*TOGETHER], "visiting_peer": [*TOGETHER]},
        },
        {
            "name": gettext_noop("Home peer response"),
            "phase": "during",
            "duration_minutes": 10,
            "description": gettext_noop(
                "The home peer shares what they learned and thanks the visiting peers. The "
                "facilitator asks if there is anything anyone heard that people would like to "
                "know more about, and encourages them to connect after the session."
            ),
            "prompt_questions": [
                gettext_noop("What did you learn that might help you with your challenge?"),
                gettext_noop(
                    "In what ways might you consider doing things different based on what you heard?"
                ),
            ],
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["insight", "action_idea"],
            "role_kinds": {"home_peer": ["insight", "action_idea"]},
        },
        {
            "name": gettext_noop("After the event: follow-up at the next meeting"),
            "phase": "after",
            "duration_minutes": 5,
            "optional": True,
            "description": gettext_noop(
                "At the next meeting, the facilitator asks the home peer about follow-up "
                "conversations and what they did differently as a result."
            ),
            "prompt_questions": [
                gettext_noop("Did you have any follow-up conversations with the visiting peers?"),
                gettext_noop(
                    "What did you do differently as a result of the mini-peer assist session?"
                ),
            ],
            "posting_roles": EVERYONE,
            "contribution_kinds": ["insight", "action_idea"],
            "role_kinds": {"home_peer": ["insight", "action_idea"], "visiting_peer": ["insight"]},
        },
    ],
}

STANDARD = {
    "kind": "standard",
    "name": gettext_noop("Standard Peer Assist (90 minutes)"),
    "description": gettext_noop(
        "A 90-minute session for up to 15–20 people in groups of six to eight, with a "
        "plenary when there are several groups."
    ),
    "steps": [
        {
            "name": gettext_noop("Introduce the session and divide into groups"),
            "duration_minutes": 10,
            "posting_roles": FACILITATION,
            "contribution_kinds": [],
            "role_kinds": {"home_peer": [], "visiting_peer": []},
        },
        {
            "name": gettext_noop("Facilitator explains process and roles"),
            "duration_minutes": 5,
            "posting_roles": FACILITATION,
            "contribution_kinds": [],
            "role_kinds": {"home_peer": [], "visiting_peer": []},
        },
        {
            "name": gettext_noop("Peer assistee presents the case"),
            "duration_minutes": 5,
            "description": gettext_noop(
                "5–10 minutes: the home team presents the case; peers listen."
            ),
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["question"],
            "role_kinds": {"home_peer": ["purpose", "context", "question"]},
        },
        {
            "name": gettext_noop("Discussion and facilitation"),
            "duration_minutes": 45,
            "description": gettext_noop(
                "Visiting peers share experience; the facilitator balances telling and listening."
            ),
            "posting_roles": EVERYONE,
            "contribution_kinds": [
                "question",
                "practice",
                "lesson",
                "option",
                "recommendation",
                "insight",
            ],
            "role_kinds": {
                "visiting_peer": ["question", *SHARE],
                "home_peer": ["question", "insight", "need_to_know"],
            },
        },
        {
            "name": gettext_noop("Validate notes and plan follow-up"),
            "duration_minutes": 5,
            "posting_roles": EVERYONE,
            "contribution_kinds": ["action_idea"],
            "role_kinds": {"home_peer": ["action_idea"], "visiting_peer": ["action_idea"]},
        },
        {
            "name": gettext_noop("Plenary debriefing"),
            "duration_minutes": 15,
            "optional": True,
            "description": gettext_noop(
                "When several groups met: each group shares its main insights."
            ),
            "posting_roles": FACILITATION,
            "contribution_kinds": ["insight"],
            # Each group's spokesperson posts its insights, filed under the group.
            "role_kinds": {"home_peer": [], "visiting_peer": [], "spokesperson": ["insight"]},
        },
        {
            "name": gettext_noop("Close the session"),
            "duration_minutes": 5,
            "posting_roles": FACILITATION,
            "contribution_kinds": [],
            "role_kinds": {"home_peer": [], "visiting_peer": []},
        },
    ],
}

FOUR_PART = {
    "kind": "four_part",
    "name": gettext_noop("Four-part Peer Assist"),
    "description": gettext_noop(
        "Receivers present, then only listen while peers question and share; then peers "
        "take a back seat while receivers analyse; finally feedback and agreed actions."
    ),
    "steps": [
        {
            "name": gettext_noop("Clarify the purpose"),
            "duration_minutes": 20,
            "description": gettext_noop(
                "The receivers (home team) present the purpose, context and challenge."
            ),
            "prompt_questions": [gettext_noop("What do you want to get out of this session?")],
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["question"],
            "role_kinds": {"home_peer": ["purpose", "context", "question"]},
        },
        {
            "name": gettext_noop("Peers question and share"),
            "duration_minutes": 40,
            "description": gettext_noop(
                "Visiting peers ask questions and share experience; the receivers only listen."
            ),
            "prompt_questions": [
                gettext_noop("What have you done in a similar situation, and what happened?")
            ],
            "posting_roles": ["visiting_peer", *FACILITATION],
            "contribution_kinds": ["question", "practice", "lesson", "option", "source"],
            "role_kinds": {"visiting_peer": ["question", *SHARE]},
        },
        {
            "name": gettext_noop("Receivers analyse what they heard"),
            "duration_minutes": 30,
            "description": gettext_noop(
                "The home team analyses what it heard; the peers take a back seat."
            ),
            "prompt_questions": [gettext_noop("What did you hear that could change your plan?")],
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["insight", "option", "need_to_know"],
            "role_kinds": {"home_peer": ["insight", "option", "need_to_know"]},
        },
        {
            "name": gettext_noop("Feedback and agreed actions"),
            "duration_minutes": 30,
            "description": gettext_noop(
                "Peers give feedback on the analysis; everyone agrees actions."
            ),
            "prompt_questions": [
                gettext_noop("What will you do differently, and who will do it by when?")
            ],
            "posting_roles": EVERYONE,
            "contribution_kinds": ["recommendation", "action_idea"],
            "role_kinds": {
                "visiting_peer": ["recommendation", "action_idea"],
                "home_peer": ["insight", "action_idea"],
            },
        },
    ],
}

EXTENDED = {
    "kind": "extended",
    "name": gettext_noop("Extended Peer Assist (half a day to two days)"),
    "description": gettext_noop(
        "The long form for complex challenges or peers coming from afar: from half a day to "
        "two days, never more."
    ),
    "steps": [
        {
            "name": gettext_noop("Build rapport"),
            "duration_minutes": 60,
            "description": gettext_noop(
                "Time for the teams to get to know one another, so they can work openly together."
            ),
            "posting_roles": FACILITATION,
            "contribution_kinds": [],
            "role_kinds": {"home_peer": [], "visiting_peer": []},
        },
        {
            "name": gettext_noop("Context and history"),
            "duration_minutes": 60,
            "description": gettext_noop(
                "The host team presents the context, history and ideas, openly enough to allow the "
                "task to be redefined during the session."
            ),
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["question"],
            "role_kinds": {"home_peer": ["purpose", "context", "question"]},
        },
        {
            "name": gettext_noop("Dialogue"),
            "duration_minutes": 90,
            "description": gettext_noop(
                "The resource team asks questions and talks with the host team to understand the issues."
            ),
            "posting_roles": EVERYONE,
            "contribution_kinds": ["question", "insight", "need_to_know"],
            "role_kinds": {
                "home_peer": ["question", "insight", "need_to_know"],
                "visiting_peer": ["question", "insight", "need_to_know"],
            },
        },
        {
            "name": gettext_noop("Options"),
            "duration_minutes": 120,
            "description": gettext_noop(
                "The resource team identifies options; the host team listens; the facilitator records them."
            ),
            "posting_roles": ["visiting_peer", *FACILITATION],
            "contribution_kinds": ["option", "practice", "lesson", "source"],
            "role_kinds": {
                "visiting_peer": ["option", "practice", "lesson", "source"],
                "home_peer": ["question"],
            },
        },
        {
            "name": gettext_noop("Final feedback, without defending"),
            "duration_minutes": 60,
            "description": gettext_noop(
                "The resource team presents its final feedback. The host team takes the "
                "recommendations without interrupting or defending past efforts and decisions."
            ),
            "posting_roles": ["visiting_peer", *FACILITATION],
            "contribution_kinds": ["recommendation"],
            "role_kinds": {"visiting_peer": ["recommendation"]},
        },
        {
            "name": gettext_noop("Formal conclusion"),
            "duration_minutes": 45,
            "description": gettext_noop(
                "Someone from the host team summarises the outcomes and the actions."
            ),
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": ["insight", "action_idea"],
            "role_kinds": {"home_peer": ["insight", "action_idea"]},
        },
        {
            "name": gettext_noop("Write-up"),
            "phase": "after",
            "duration_minutes": 0,
            "description": gettext_noop(
                "A short (1–2 page) write-up of the activity, learnings and action steps."
            ),
            "posting_roles": ["home_peer", *FACILITATION],
            "contribution_kinds": [],
            "role_kinds": {"home_peer": [], "visiting_peer": []},
        },
    ],
}

SHIPPED: list[dict[str, Any]] = [MINI, STANDARD, FOUR_PART, EXTENDED]


def _texts() -> frozenset[str]:
    texts: set[str] = set()
    for spec in SHIPPED:
        texts.update((spec["name"], spec["description"]))
        for step in spec["steps"]:
            texts.add(step["name"])
            texts.update(
                t for t in (step.get("description", ""), *step.get("prompt_questions", [])) if t
            )
    return frozenset(texts)


#: Every text the shipped formats hold: names, descriptions, step titles, prompt questions.
SHIPPED_TEXTS = _texts()


def shipped_text(text: str) -> str:
    """`text` in the active language if it is still one of the shipped formats' texts (a
    shipped row, or a copy nobody has edited); what the organiser wrote otherwise."""
    return gettext(text) if text in SHIPPED_TEXTS else text


def shipped_texts(texts: list[str]) -> list[str]:
    """`shipped_text` for each of a step's prompt questions."""
    return [shipped_text(t) for t in texts]
