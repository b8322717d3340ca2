"""Generate a long E2-style draft (French, about 20 pages) as a PDF, for benchmarks.

Usage:
    python scripts/make_long_draft.py [OUT.pdf] [--seed 7] [--words 9500] [--markdown OUT.md]

The draft is an invented "dossier de cadrage opérationnel" (évaluation E2):
context, then one chapter per work package ("chantier") with the tools mapped
to each support, a specification (quantified objectives, needs, dated
milestones), a line-by-line budget with amounts and a total, a call for tenders
scored on quality, price and social commitments with a justified choice and
negotiation arguments, the team profiles and the stakeholders' expected
questions with prepared answers; then a consolidated budget and a conclusion.
Each part comes in a table or a prose variant. Whole chapters are added
(cycling through eight work packages, with a second wave if needed) while the
text stays under the requested word count, then an annex of further prepared
answers fills it up to the target: the default (9,200 words) gives 23 to 24
pages, since the renderer fits about 400 words on a page of this mix of prose
and tables. Sentences, figures and names are drawn from fixed pools with a
seeded `random.Random` (amounts, totals and scores add up): the same arguments
give the same Markdown and (through `scripts/render_pdfs.py`) a byte-identical PDF.

The output is a benchmark input, not a labelled draft: it is written to
/tmp/long_draft_e2.pdf unless a path is given, and never committed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if __package__:
    from .render_pdfs import RenderError, render_markdown
else:  # run as `python scripts/make_long_draft.py`: scripts/ is on sys.path
    from render_pdfs import RenderError, render_markdown

DEFAULT_OUT = Path("/tmp/long_draft_e2.pdf")
DEFAULT_SEED = 7
DEFAULT_WORDS = 9_200
MAX_CHAPTERS = 16
PROJECT_START = date(2026, 1, 12)
VALIDATED_MARGIN = 0.06  # the envelope voted by the board is ~6 % above the total

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# --- Work packages -----------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    support: str
    need: str
    tool: str
    why: str


@dataclass(frozen=True)
class Objective:
    indicator: str
    baseline: int
    growth: float  # target = baseline × growth
    unit: str
    lever: str  # why the target is realistic
    new_target: int = 0  # target of an indicator that starts at 0 (new service)


@dataclass(frozen=True)
class BudgetLine:
    item: str
    detail: str
    low: int
    high: int
    external: bool = True


@dataclass(frozen=True)
class Package:
    name: str
    goal: str
    tools: tuple[Tool, ...]
    objectives: tuple[Objective, ...]
    functional: str
    technical: str
    budget: tuple[BudgetLine, ...]
    deliverable: str


PACKAGES: tuple[Package, ...] = (
    Package(
        name="refonte du site e-commerce",
        goal="porter la vente en ligne à 18 % du chiffre d'affaires et fluidifier le passage du site à la boutique",
        tools=(
            Tool(
                "boutique en ligne",
                "1 400 références, 34 stocks boutiques, retrait en 2 h",
                "Shopify Plus",
                "gère le stock multi-sites et le retrait en boutique sans développement spécifique",
            ),
            Tool(
                "recherche produit",
                "recherche par ingrédient, type de peau et label",
                "Algolia",
                "recherche tolérante aux fautes, 38 % des sessions passent aujourd'hui par le moteur interne",
            ),
            Tool(
                "avis clients",
                "avis vérifiés affichés sur les fiches",
                "Avis Vérifiés",
                "avis certifiés NF, déjà utilisés par deux concurrents directs",
            ),
            Tool(
                "paiement",
                "paiement en 3 fois et portefeuilles mobiles",
                "Stripe et Alma",
                "panier moyen de 64 € en hausse, Apple Pay demandé dans 112 verbatims",
            ),
            Tool(
                "mesure",
                "suivi de l'achat et du retrait en boutique",
                "GA4, Google Tag Manager, Looker Studio",
                "événements personnalisés retrait_reserve et achat_confirme partagés avec les boutiques",
            ),
        ),
        objectives=(
            Objective("visites annuelles", 1_250_000, 1.32, "", "budget média en hausse de 40 % et 60 contenus SEO"),
            Objective("taux de conversion", 18, 1.22, " ‰", "tunnel raccourci de 5 à 3 étapes, testé en A/B"),
            Objective("commandes en ligne", 22_500, 1.45, "", "effet combiné du trafic et de la conversion"),
            Objective(
                "retraits en boutique", 4_100, 1.8, "", "retrait en 2 h déjà plébiscité par les clientes pilotes"
            ),
        ),
        functional="fiches produit enrichies par ingrédient ; retrait en 2 h ; compte client unifié avec la "
        "carte de fidélité ; paiement fractionné ; routine beauté enregistrable",
        technical="LCP inférieur à 2,5 s sur mobile ; conformité RGAA niveau AA ; connecteur ERP Cegid "
        "toutes les 15 minutes ; hébergement des médias sur CDN",
        budget=(
            BudgetLine("production", "conception UX/UI et intégration du thème", 38_000, 52_000),
            BudgetLine("production", "connecteur ERP Cegid et stocks boutiques", 14_000, 21_000),
            BudgetLine("production", "reprise de 1 400 fiches produit", 9_000, 13_000),
            BudgetLine("frais d'agence", "pilotage et recette", 11_000, 16_000),
            BudgetLine("licences", "Shopify Plus (12 mois)", 26_000, 30_000),
            BudgetLine("licences", "Algolia et Avis Vérifiés (12 mois)", 9_000, 12_000),
            BudgetLine("achat média", "Google Ads et Meta Ads, campagnes de lancement", 60_000, 85_000),
            BudgetLine(
                "ressources internes", "chef de projet 70 %, responsable e-commerce 30 %", 52_000, 64_000, False
            ),
            BudgetLine("formation", "prise en main du back-office par 34 responsables de boutique", 3_000, 5_000),
        ),
        deliverable="mise en ligne du nouveau site",
    ),
    Package(
        name="application de fidélité",
        goal="faire passer la part des clientes fidèles de 29 % à 40 % du chiffre d'affaires",
        tools=(
            Tool(
                "application mobile",
                "iOS et Android, carte dématérialisée, historique d'achats",
                "React Native (développement par l'agence)",
                "une seule base de code pour deux plateformes, maintenance moins chère",
            ),
            Tool(
                "carte en wallet",
                "carte ajoutée au portefeuille du téléphone",
                "Captain Wallet",
                "évite d'imposer l'application aux clientes qui ne veulent pas l'installer",
            ),
            Tool(
                "notifications",
                "notifications segmentées et géolocalisées",
                "Batch",
                "segmentation sur les événements CRM, plafonnement de la pression marketing",
            ),
            Tool(
                "CRM",
                "points, paliers et avantages",
                "Salesforce Loyalty Management",
                "CRM déjà en place chez Alvéa, pas de double saisie",
            ),
            Tool(
                "mesure",
                "installations, rétention, achats attribués",
                "Firebase Analytics et Looker Studio",
                "tableau de bord commun avec le site grâce à l'identifiant client",
            ),
        ),
        objectives=(
            Objective("installations", 0, 0.0, "", "relais en caisse dans les 34 boutiques et sur le site", 45_000),
            Objective("clientes actives dans le programme", 61_000, 1.35, "", "migration de la carte papier"),
            Objective("clientes à 3 achats ou plus par an", 21, 1.19, " %", "relances personnalisées et paliers"),
            Objective("part du CA des clientes fidèles", 29, 1.38, " %", "objectif de la stratégie validée"),
        ),
        functional="inscription en moins de 2 minutes ; carte en wallet ; cagnotte visible en temps réel ; "
        "offres d'anniversaire ; prise de rendez-vous soin",
        technical="API Salesforce temps réel ; authentification unique avec le site ; compatibilité lecteurs "
        "d'écran VoiceOver et TalkBack ; données hébergées en Europe",
        budget=(
            BudgetLine("production", "conception et développement iOS et Android", 58_000, 76_000),
            BudgetLine("production", "connecteur Salesforce Loyalty", 12_000, 18_000),
            BudgetLine("frais d'agence", "pilotage, recette et publication sur les stores", 9_000, 14_000),
            BudgetLine("licences", "Salesforce Loyalty Management (12 mois)", 21_000, 27_000),
            BudgetLine("licences", "Batch et Captain Wallet (12 mois)", 8_000, 11_000),
            BudgetLine("achat média", "campagnes d'installation", 18_000, 26_000),
            BudgetLine("ressources internes", "responsable CRM 50 %, chef de produit 40 %", 41_000, 50_000, False),
            BudgetLine("formation", "argumentaire de recrutement pour les équipes de caisse", 2_500, 4_500),
        ),
        deliverable="publication de l'application sur les stores",
    ),
    Package(
        name="CRM et programme e-mail",
        goal="personnaliser la relation selon le cycle de vie et réduire l'attrition après le premier achat",
        tools=(
            Tool(
                "e-mails automatisés",
                "scénarios de bienvenue, réachat et réactivation",
                "Brevo",
                "tarif au volume compatible avec 410 000 contacts, éditeur utilisable par l'équipe",
            ),
            Tool(
                "SMS",
                "rappels de réassort et de rendez-vous",
                "Brevo SMS",
                "même outil que l'e-mail, un seul historique de consentement",
            ),
            Tool(
                "unification des données",
                "fusion caisse, site et application",
                "Segment",
                "identifiant unique client et connecteurs natifs vers Brevo et GA4",
            ),
            Tool(
                "segmentation",
                "segments RFM recalculés chaque semaine",
                "Dataiku",
                "compétence déjà présente dans l'équipe data, recettes réutilisables",
            ),
            Tool(
                "mesure",
                "revenu attribué par scénario",
                "Looker Studio",
                "rapport hebdomadaire partagé avec la direction commerciale",
            ),
        ),
        objectives=(
            Objective("contacts opt-in", 410_000, 1.18, "", "collecte en caisse et sur le site"),
            Objective("taux de clic moyen", 24, 1.29, " ‰", "contenus personnalisés par segment RFM"),
            Objective("clientes ayant un deuxième achat", 34, 1.26, " %", "scénario de réachat à J+45"),
            Objective("CA attribué à l'e-mail", 2_900_000, 1.21, " €", "cohérent avec les marques comparables"),
        ),
        functional="scénarios de bienvenue, réachat, anniversaire et réactivation ; préférences de fréquence ; "
        "désinscription en un clic ; segments RFM",
        technical="synchronisation Segment toutes les heures ; double opt-in ; journal des consentements ; "
        "gabarits e-mail accessibles (texte alternatif, contraste AA)",
        budget=(
            BudgetLine("production", "paramétrage Segment et flux de données", 16_000, 22_000),
            BudgetLine("production", "conception de 14 gabarits e-mail", 7_000, 10_000),
            BudgetLine("frais d'agence", "stratégie de scénarios et recette", 10_000, 14_000),
            BudgetLine("licences", "Brevo Enterprise (12 mois)", 14_000, 19_000),
            BudgetLine("licences", "Segment (12 mois)", 12_000, 16_000),
            BudgetLine("achat média", "envois SMS", 6_000, 9_000),
            BudgetLine("ressources internes", "responsable CRM 50 %, data analyst 30 %", 38_000, 46_000, False),
            BudgetLine("formation", "2 jours Brevo pour l'équipe marketing", 1_800, 3_000),
        ),
        deliverable="activation des scénarios automatisés",
    ),
    Package(
        name="contenus vidéo et réseaux sociaux",
        goal="rajeunir l'audience et faire connaître les rituels de soin à base d'actifs naturels",
        tools=(
            Tool(
                "planification",
                "calendrier éditorial multi-réseaux",
                "Agorapulse",
                "validation en deux étapes, boîte de réception unifiée pour la modération",
            ),
            Tool(
                "création",
                "vidéos courtes verticales et visuels",
                "Adobe Premiere, Canva Teams",
                "fichiers partagés avec l'agence, modèles à la charte pour les boutiques",
            ),
            Tool(
                "contenus clients",
                "collecte et droits des vidéos de clientes",
                "Skeepers",
                "gestion des droits d'usage, 1 200 testeuses déjà recrutées",
            ),
            Tool(
                "écoute sociale",
                "suivi des mentions et des sujets émergents",
                "Talkwalker",
                "alertes sur les sujets sensibles (allergies, greenwashing)",
            ),
            Tool(
                "mesure",
                "portée, engagement, trafic généré",
                "Meta Business Suite, TikTok Analytics, GA4",
                "UTM systématiques pour relier les contenus aux ventes",
            ),
        ),
        objectives=(
            Objective("abonnés Instagram", 86_000, 1.4, "", "3 vidéos par semaine et 12 créatrices partenaires"),
            Objective("part des 18-34 ans dans l'audience", 31, 1.35, " %", "arrivée sur TikTok"),
            Objective("vues de vidéos par mois", 420_000, 2.1, "", "format tutoriel de 30 s testé en 2025"),
            Objective("sessions issues des réseaux", 96_000, 1.6, "", "liens produits et stories"),
        ),
        functional="3 vidéos courtes par semaine ; 1 série tutoriel mensuelle ; modération sous 4 h ouvrées ; "
        "kit de contenus pour les boutiques",
        technical="sous-titres incrustés sur toutes les vidéos ; formats 9:16 et 1:1 ; fichiers de moins de "
        "50 Mo ; archivage des droits d'image",
        budget=(
            BudgetLine("production", "48 vidéos courtes et 6 tutoriels", 36_000, 48_000),
            BudgetLine("production", "séance photo saisonnière (2)", 8_000, 12_000),
            BudgetLine("frais d'agence", "ligne éditoriale et community management", 22_000, 30_000),
            BudgetLine("licences", "Agorapulse, Canva Teams, Skeepers (12 mois)", 11_000, 15_000),
            BudgetLine("licences", "Talkwalker (12 mois)", 9_000, 13_000),
            BudgetLine("achat média", "sponsorisation Meta et TikTok", 40_000, 55_000),
            BudgetLine("achat média", "rémunération de 12 créatrices", 18_000, 26_000),
            BudgetLine("ressources internes", "social media manager 100 %", 44_000, 50_000, False),
        ),
        deliverable="lancement de la série tutoriel",
    ),
    Package(
        name="référencement naturel et blog conseil",
        goal="capter les recherches de conseil beauté avant l'achat et réduire la dépendance au payant",
        tools=(
            Tool(
                "blog conseil",
                "articles reliés aux fiches produit",
                "Shopify Blog avec l'application Yoast",
                "même back-office que la boutique, maillage produit automatique",
            ),
            Tool(
                "recherche de mots-clés",
                "volumes et difficulté par thématique",
                "Semrush",
                "suivi de position quotidien sur 600 requêtes",
            ),
            Tool(
                "audit technique",
                "exploration du site et erreurs d'indexation",
                "Screaming Frog",
                "détection des 1 900 pages dupliquées du site actuel",
            ),
            Tool(
                "pilotage",
                "impressions, clics, requêtes",
                "Google Search Console",
                "seule source des requêtes réelles, gratuite",
            ),
        ),
        objectives=(
            Objective("sessions organiques mensuelles", 74_000, 1.5, "", "60 articles et correction technique"),
            Objective("requêtes en première page", 140, 2.0, "", "cibles de longue traîne peu concurrentielles"),
            Objective("part du trafic organique", 27, 1.3, " %", "baisse relative du payant"),
            Objective("ventes assistées par le blog", 3_200, 1.7, "", "liens produits dans chaque article"),
        ),
        functional="60 articles conseil en 12 mois ; fiches ingrédients ; maillage vers les produits ; "
        "pages boutiques locales",
        technical="correction des pages dupliquées ; balisage schema.org produit et FAQ ; plan de "
        "redirections ; images compressées",
        budget=(
            BudgetLine("production", "60 articles (rédaction et optimisation)", 15_000, 21_000),
            BudgetLine("production", "corrections techniques et redirections", 7_000, 11_000),
            BudgetLine("frais d'agence", "audit initial et suivi mensuel", 9_000, 13_000),
            BudgetLine("licences", "Semrush Guru et Screaming Frog (12 mois)", 2_500, 3_500),
            BudgetLine("ressources internes", "chargée de contenus 60 %", 26_000, 31_000, False),
            BudgetLine("formation", "rédaction web pour 4 conseillères beauté", 1_500, 2_500),
        ),
        deliverable="publication des 20 premiers articles",
    ),
    Package(
        name="prise de rendez-vous en boutique",
        goal="remplir les cabines de soin et faire venir en boutique les clientes du site",
        tools=(
            Tool(
                "réservation en ligne",
                "agenda des 34 cabines de soin",
                "Planity",
                "outil connu des esthéticiennes, synchronisation avec les agendas existants",
            ),
            Tool(
                "rappels",
                "SMS la veille du rendez-vous",
                "Brevo SMS",
                "réduit les rendez-vous manqués, même outil que le CRM",
            ),
            Tool(
                "fiches établissements",
                "horaires, avis et réservation sur Google",
                "Partoo",
                "mise à jour centralisée des 34 fiches Google Business Profile",
            ),
            Tool(
                "mesure",
                "rendez-vous, taux de présence, achats associés",
                "Looker Studio",
                "rapprochement avec les tickets de caisse par l'identifiant client",
            ),
        ),
        objectives=(
            Objective("rendez-vous pris en ligne par an", 5_800, 2.3, "", "bouton de réservation sur Google"),
            Objective("taux d'occupation des cabines", 54, 1.3, " %", "créneaux visibles en temps réel"),
            Objective("rendez-vous manqués", 14, 0.5, " %", "rappel SMS la veille"),
            Objective("panier après un soin", 38, 1.25, " €", "recommandation de routine en fin de soin"),
        ),
        functional="réservation en 3 clics ; annulation en ligne ; rappel SMS ; fiche de soin transmise "
        "à la conseillère",
        technical="widget intégré au site et à l'application ; synchronisation Partoo ; parcours "
        "utilisable au clavier et au lecteur d'écran",
        budget=(
            BudgetLine("production", "intégration du widget et des 34 agendas", 6_000, 9_000),
            BudgetLine("frais d'agence", "déploiement et formation des boutiques", 5_000, 8_000),
            BudgetLine("licences", "Planity (34 boutiques, 12 mois)", 16_000, 21_000),
            BudgetLine("licences", "Partoo (34 fiches, 12 mois)", 7_000, 9_500),
            BudgetLine("achat média", "campagnes locales Google", 12_000, 18_000),
            BudgetLine("ressources internes", "responsable réseau 30 %", 18_000, 23_000, False),
            BudgetLine("formation", "demi-journée par boutique", 4_000, 6_000),
        ),
        deliverable="ouverture de la réservation dans toutes les boutiques",
    ),
    Package(
        name="service client et assistant conversationnel",
        goal="répondre plus vite aux questions produit et libérer du temps de conseil",
        tools=(
            Tool(
                "centre de contact",
                "tickets e-mail, chat et WhatsApp",
                "Zendesk Suite",
                "vue unique de l'historique client, déjà utilisé pour le SAV",
            ),
            Tool(
                "assistant conversationnel",
                "réponses aux questions fréquentes",
                "agent conversationnel de Zendesk",
                "s'appuie sur la base de connaissances existante, transfert à une conseillère",
            ),
            Tool(
                "base de connaissances",
                "320 articles d'aide",
                "Zendesk Guide",
                "mise à jour par l'équipe, version imprimable pour les boutiques",
            ),
            Tool(
                "mesure",
                "délai de réponse, satisfaction, taux de résolution",
                "Zendesk Explore",
                "indicateurs partagés chaque semaine avec la direction",
            ),
        ),
        objectives=(
            Objective("délai de première réponse", 19, 0.25, " h", "assistant disponible 24 h sur 24"),
            Objective("taux de résolution sans conseillère", 0, 0.0, " %", "questions de suivi de commande", 35),
            Objective("satisfaction après contact", 78, 1.12, " %", "enquête CSAT après chaque ticket"),
            Objective("contacts traités par conseillère et par jour", 42, 1.2, "", "tri automatique des tickets"),
        ),
        functional="réponse automatique aux questions de suivi de commande ; transfert à une conseillère ; "
        "WhatsApp ; enquête de satisfaction",
        technical="connexion aux statuts de commande Shopify ; respect du RGPD pour l'historique ; "
        "interface de chat accessible (ARIA, navigation au clavier)",
        budget=(
            BudgetLine("production", "paramétrage Zendesk et intégration Shopify", 9_000, 14_000),
            BudgetLine("production", "réécriture de 320 articles d'aide", 6_000, 9_000),
            BudgetLine("frais d'agence", "conception des parcours conversationnels", 8_000, 12_000),
            BudgetLine("licences", "Zendesk Suite (9 postes, 12 mois)", 15_000, 19_000),
            BudgetLine("licences", "agent conversationnel (forfait résolutions)", 10_000, 15_000),
            BudgetLine("ressources internes", "responsable service client 40 %", 20_000, 25_000, False),
            BudgetLine("formation", "2 jours pour 9 conseillères", 2_000, 3_500),
        ),
        deliverable="mise en service de l'assistant",
    ),
    Package(
        name="distribution sur les places de marché",
        goal="toucher de nouvelles clientes sur les places de marché sans dégrader la marge",
        tools=(
            Tool(
                "référentiel produit",
                "fiches enrichies et traduites",
                "Akeneo PIM",
                "une seule source de vérité pour le site et les places de marché",
            ),
            Tool(
                "diffusion des flux",
                "catalogue, prix et stocks vers 3 places de marché",
                "Lengow",
                "connecteurs existants vers les places de marché visées, règles de prix",
            ),
            Tool(
                "commandes",
                "remontée des commandes dans l'ERP",
                "connecteur Lengow Cegid",
                "évite la ressaisie et les erreurs de stock",
            ),
            Tool(
                "mesure",
                "CA, marge et retours par place de marché",
                "Looker Studio",
                "marge nette après commissions visible chaque semaine",
            ),
        ),
        objectives=(
            Objective("références diffusées", 0, 0.0, "", "sélection des meilleures ventes", 350),
            Objective("CA annuel sur places de marché", 0, 0.0, " €", "benchmark de deux marques comparables", 900_000),
            Objective("taux de retour", 6, 0.9, " %", "fiches enrichies et guide des tailles de flacons"),
            Objective("marge nette après commissions", 31, 1.0, " %", "prix plancher fixé dans Lengow"),
        ),
        functional="sélection de 350 références ; règles de prix par place de marché ; gestion des retours ; "
        "réponses aux avis",
        technical="synchronisation des stocks toutes les 30 minutes ; fiches en français et en allemand ; "
        "attributs normalisés dans Akeneo",
        budget=(
            BudgetLine("production", "déploiement Akeneo et reprise du catalogue", 22_000, 30_000),
            BudgetLine("production", "connecteurs Lengow et Cegid", 8_000, 12_000),
            BudgetLine("frais d'agence", "stratégie places de marché et recette", 7_000, 10_000),
            BudgetLine("licences", "Akeneo et Lengow (12 mois)", 18_000, 24_000),
            BudgetLine("achat média", "publicité sponsorisée sur les places de marché", 15_000, 22_000),
            BudgetLine("ressources internes", "chargé de places de marché 100 %", 40_000, 46_000, False),
        ),
        deliverable="ouverture des boutiques sur les places de marché",
    ),
)

AGENCIES = (
    "Atelier Pixel Nord",
    "Studio Sillon",
    "Kobalt Digital",
    "Agence Méridienne",
    "Lumen & Cie",
    "Onde Courte",
    "Collectif Basalte",
    "Neuf Lieues",
    "Studio Cerfeuil",
    "Maison Ardoise",
    "Agence Tilleul",
    "Orbe Conseil",
    "Cap Azimut",
    "Atelier Sémaphore",
)

SOCIAL = (
    ("aucune démarche formalisée", 4, 7),
    ("charte RSE et hébergement vert", 8, 11),
    ("B Corp, éco-conception et recette accessibilité avec un ESAT", 12, 15),
    ("label Numérique Responsable et 30 % d'achats auprès du secteur adapté", 11, 14),
    ("bilan carbone publié, pas d'engagement sur l'accessibilité", 7, 10),
    ("entreprise adaptée, équipe de recette en situation de handicap", 12, 15),
)

NEGOTIATION = (
    "engagement sur 3 ans pour la maintenance en échange d'une remise de {pct} % sur la production",
    "réutilisation de nos contenus et maquettes existants, soit {days} jours de production en moins",
    "paiement à 30 jours au lieu de 45",
    "cas client co-signé et présentation commune à un salon professionnel",
    "regroupement de la recette avec un autre chantier du plan, soit {days} jours de pilotage économisés",
    "suppression d'un aller-retour de maquettes grâce à une validation en atelier",
    "prise en charge par notre équipe de la saisie des contenus, soit {days} jours de moins",
    "paiement d'un acompte de 30 % à la commande en échange d'une remise de {pct} %",
)

PROFILES = (
    ("chef de projet digital", "interne ({name}, {pct} %)", "arbitrages, lien avec la direction et les boutiques"),
    ("UX/UI designer", "{agency}", "parcours, maquettes, tests utilisateurs"),
    ("développeur", "{agency}", "intégration, connecteurs, maintenance"),
    ("traffic manager", "interne", "campagnes payantes, suivi des coûts par acquisition"),
    ("data analyst", "interne ({name}, {pct} %)", "plan de marquage, tableaux de bord, segments"),
    ("rédacteur web", "freelance", "contenus conseil, fiches produit"),
    ("référent accessibilité", "{agency} et ESAT partenaire", "audit RGAA, recette avec des testeurs handicapés"),
    ("responsable réseau boutiques", "interne", "adoption par les équipes de vente"),
    ("juriste données", "interne (mi-temps partagé)", "consentements, contrats, registre RGPD"),
    ("community manager", "{agency}", "animation, modération, réponses aux avis"),
)

NAMES = ("Camille", "Yanis", "Léa", "Mathis", "Inès", "Noah", "Jade", "Sacha", "Louise", "Rayan", "Chloé", "Adam")

STAKEHOLDERS = (
    (
        "directeur financier",
        "« Pourquoi {total} pour ce chantier ? »",
        "retour attendu de {gain} de marge brute en 18 mois ; point mort estimé à {months} mois",
    ),
    (
        "réseau des boutiques",
        "« Ce projet va-t-il nous retirer des ventes ? »",
        "chaque vente en ligne de la zone est créditée à la boutique ; {visits} visites en boutique attendues",
    ),
    (
        "DSI",
        "« Qui maintient l'outil après la mise en ligne ? »",
        "maintenance par {agency} pendant 3 ans, documentation exigée au cahier des charges",
    ),
    (
        "direction générale",
        "« Et si le calendrier glisse ? »",
        "{weeks} semaines de marge avant le jalon ; plan B : lancement en version réduite",
    ),
    (
        "représentants du personnel",
        "« Cela change-t-il nos métiers ? »",
        "aucun poste supprimé ; {hours} heures de formation par personne concernée",
    ),
    (
        "déléguée à la protection des données",
        "« Les données clientes sortent-elles de l'Union européenne ? »",
        "hébergement européen exigé ; clauses contractuelles types ; analyse d'impact avant lancement",
    ),
    (
        "direction marketing",
        "« Comment mesurerez-vous l'effet réel ? »",
        "groupe témoin de {share} % des clientes ; tableau de bord hebdomadaire",
    ),
    (
        "comité RSE",
        "« Quel est l'impact environnemental ? »",
        "éco-conception exigée, pages allégées de {share} %, hébergeur alimenté en énergie renouvelable",
    ),
)

INTRO_WHY = (
    "Ce chantier répond directement à la priorité de la stratégie validée : {goal}. ",
    "Le diagnostic de l'an dernier a montré un manque sur ce point, et la stratégie fixe l'objectif de {goal}. ",
    "La direction a retenu ce chantier parce qu'il permet de {goal}. ",
)
INTRO_CONTEXT = (
    "Les entretiens menés avec {n} clientes et les données GA4 de 2025 confirment que le sujet est "
    "prioritaire pour elles comme pour l'entreprise.",
    "Les retours des {n} conseillères interrogées en boutique vont dans le même sens que les données "
    "de navigation : le point de friction est connu et chiffré.",
    "Les {n} verbatims collectés lors de l'enquête de satisfaction citent ce sujet parmi les trois premiers "
    "motifs d'insatisfaction.",
)
TOOLS_OUTRO = (
    "Chaque outil a été comparé à au moins une alternative ; le choix final privilégie l'intégration avec "
    "le système d'information existant (ERP Cegid, Salesforce, GA4) et le coût total sur 3 ans plutôt que "
    "le prix de la première année.",
    "Les outils retenus partagent un identifiant client commun, ce qui évite les ressaisies et permet de "
    "relier chaque support à un résultat mesuré. Les alternatives écartées l'ont été pour des raisons de "
    "coût ou d'intégration, détaillées en annexe.",
    "Nous avons privilégié des outils déjà maîtrisés par l'équipe ou dotés de connecteurs natifs : sur ce "
    "chantier, {n} jours de développement spécifique sont évités par rapport à une solution sur mesure.",
)
REALISM = (
    "Ces cibles ont été confrontées aux résultats de {year} et aux moyens disponibles : aucune ne suppose "
    "une progression supérieure à celle observée chez les deux concurrents suivis.",
    "Les objectifs sont ambitieux mais atteignables : ils reposent sur des leviers déjà testés à petite "
    "échelle en {year} et sur le budget décrit plus bas.",
    "Chaque objectif est relié à un levier chiffré ; les hypothèses ont été relues avec le contrôle de "
    "gestion, qui les juge prudentes.",
)
RISKS = (
    "Risques identifiés : retard de l'intégration avec l'ERP (probabilité moyenne, impact fort), "
    "adhésion des boutiques (probabilité faible, impact fort), dépassement des licences si le volume "
    "dépasse les prévisions (probabilité faible, impact moyen). Chacun a un responsable et une parade.",
    "Principaux risques : disponibilité de l'équipe interne pendant les soldes, qualité des données "
    "reprises, délai de validation juridique. Le rétroplanning prévoit une marge de {weeks} semaines.",
    "Risques suivis chaque semaine : glissement du planning de l'agence, surcoût des achats média en "
    "période de fêtes, sous-utilisation par les équipes. Un indicateur d'alerte est associé à chacun.",
)
INCLUSION = (
    "Inclusion : les ateliers se tiennent en visio sous-titrée, les supports sont fournis dans un format "
    "compatible avec les lecteurs d'écran et la recette associe des testeurs en situation de handicap.",
    "Inclusion : un référent handicap est associé au recrutement des freelances, les horaires des ateliers "
    "tiennent compte des temps partiels et les comptes rendus sont écrits et envoyés le jour même.",
    "Inclusion : nous avons demandé à chaque membre de l'équipe, de façon confidentielle, ses besoins "
    "d'aménagement ; deux aménagements (briefs écrits, réunions plus courtes) sont appliqués à tous.",
)
TOOL_SENTENCES = (
    "Pour le support « {support} » ({need}), nous retenons {tool} : {why}.",
    "Le support « {support} » exige ceci : {need}. L'outil proposé est {tool}, parce qu'il répond à ce "
    "critère ({why}).",
    "{tool} couvre le support « {support} » ; critère attendu : {need} ; justification : {why}.",
)
STRATEGY_LINK = (
    "Ce chantier s'articule avec les autres : il consomme les données du CRM, alimente le tableau de bord "
    "commun et s'appuie sur les boutiques comme point de contact. Il ne crée pas de nouveau silo : chaque "
    "donnée produite est rattachée à l'identifiant client unique, ce qui permettra de mesurer l'effet "
    "cumulé des chantiers et d'arbitrer entre eux au second semestre.",
    "Dans la feuille de route, ce chantier vient après la mise à niveau des données, dont il dépend, et "
    "avant les campagnes de rentrée, qu'il doit servir. Le décalage des calendriers a été discuté avec les "
    "responsables des autres chantiers pour éviter que deux recettes ne mobilisent la même équipe la même "
    "semaine.",
    "Le lien avec la stratégie est direct : l'indicateur principal de ce chantier fait partie des cinq "
    "indicateurs suivis par le comité de direction. Les hypothèses retenues ici (trafic, conversion, "
    "panier) sont les mêmes que dans le plan financier, pour qu'un écart soit lisible des deux côtés.",
)
GOVERNANCE = (
    "**Gouvernance.** Un point hebdomadaire de 30 minutes réunit la cheffe de projet et l'agence ; un "
    "comité mensuel avec la direction valide les arbitrages de périmètre et de budget. Les décisions sont "
    "consignées dans un journal partagé, et tout dépassement de plus de 5 % d'une ligne budgétaire "
    "déclenche une alerte au contrôle de gestion dans les 48 heures.",
    "**Gouvernance.** Le chantier suit un rythme court : revue des livrables le mardi, démonstration toutes "
    "les deux semaines, comité de pilotage mensuel. Le tableau de suivi présente pour chaque jalon la date "
    "prévue, la date révisée et la cause de l'écart ; la direction reçoit une synthèse d'une page.",
    "**Gouvernance.** Trois instances : l'équipe projet (quotidienne, sur Slack et Trello), le point "
    "prestataire (hebdomadaire, compte rendu écrit sous 24 heures) et le comité de direction (mensuel, "
    "décisions de budget). Les engagements de l'agence sont repris dans un plan d'assurance qualité annexé "
    "au contrat.",
)
ACCEPTANCE = (
    "**Critères de recette.** Le livrable est accepté si les parcours critiques passent sur les trois "
    "navigateurs et les deux systèmes mobiles les plus utilisés par nos clientes, si l'audit RGAA ne relève "
    "aucune non-conformité bloquante et si les événements de mesure remontent dans GA4 avec moins de 2 % "
    "d'écart avec le back-office.",
    "**Critères de recette.** Une recette en deux temps : fonctionnelle, sur un cahier de 120 cas de test "
    "rédigé avec l'agence, puis métier, avec six conseillères de boutique et quatre clientes volontaires, "
    "dont une personne malvoyante. Aucune mise en ligne sans la validation écrite de la cheffe de projet.",
    "**Critères de recette.** Temps de chargement, accessibilité, exactitude des données et qualité des "
    "contenus sont vérifiés sur une grille de 40 points ; un point bloquant suspend la mise en ligne, un "
    "point mineur est corrigé dans les 15 jours suivant le lancement.",
)
OFFER_SENTENCES = (
    "{agency} propose {price} ; ses références obtiennent {quality}/30 et son planning {delay} le jalon "
    "de mise en ligne ; côté engagements sociétaux : {social}.",
    "L'offre de {agency} s'élève à {price}. Qualité des références : {quality}/30. Le calendrier proposé "
    "{delay} l'échéance ; engagements : {social}.",
    "Pour {price}, {agency} présente des références notées {quality}/30, un calendrier qui {delay} notre "
    "date cible et les engagements suivants : {social}.",
)
ANNEX_FOLLOW_UP = (
    "Si la question est relancée, nous montrerons le tableau de bord de suivi et les hypothèses chiffrées.",
    "Un document d'une page reprend cette réponse pour le dossier remis au jury.",
    "Cette réponse a été relue avec le contrôle de gestion et la direction commerciale.",
    "L'argument sera illustré par l'exemple des boutiques pilotes de Lyon et d'Annecy.",
)
BUDGET_NOTE = (
    "Le budget est construit sur les devis non négociés : tout gain de négociation s'ajoute à la réserve.",
    "Les montants sont issus des devis reçus et des grilles tarifaires publiques des éditeurs.",
    "Les coûts internes sont valorisés au coût chargé, sur la base des temps estimés avec les managers.",
)


@dataclass(frozen=True)
class Tender:
    agency: str  # the chosen agency
    text: str  # Markdown of the tender section


# --- Helpers -----------------------------------------------------------------


def euros(amount: int) -> str:
    """French money formatting: 41 000 €."""
    return f"{amount:,}".replace(",", " ") + " €"


def number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def french_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def word_count(markdown: str) -> int:
    """Words of a Markdown text: whitespace tokens holding a letter or digit."""
    return sum(1 for token in markdown.split() if re.search(r"[^\W_]", token))


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


# --- Chapter builder ---------------------------------------------------------


class DraftBuilder:
    """Assembles the Markdown draft; all randomness comes from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.totals: list[tuple[str, int]] = []
        self.agency_pool = list(AGENCIES)
        self._budget_rows: list[str] = []  # table of the chapter being built

    def pick(self, options: Sequence[str], **values: object) -> str:
        return self.rng.choice(options).format(**values)

    def header(self) -> str:
        return (
            "# Alvéa — Dossier de cadrage opérationnel du plan digital 2026\n\n"
            "*E2 — dossier écrit individuel, préparation de la soutenance. Version longue générée pour les "
            "mesures de performance : marque, personnes et chiffres sont inventés.*\n\n"
            "## Introduction et rappel de la stratégie validée\n\n"
            "Alvéa (Lyon, 210 salariés) distribue des cosmétiques naturels dans 34 boutiques et sur son site. "
            "En 2025, le chiffre d'affaires atteint 48 M€, dont 11 % en ligne. La stratégie digitale validée "
            "par le comité de direction en novembre 2025 fixe trois priorités à 18 mois : développer la vente "
            "en ligne sans fragiliser les boutiques, fidéliser les clientes après leur premier achat et "
            "rajeunir l'audience de la marque. Ce dossier traduit ces priorités en chantiers opérationnels.\n\n"
            "Pour chaque chantier, il présente les outils techniques retenus au regard des supports prévus, "
            "le cahier des charges (objectifs chiffrés, besoins fonctionnels, techniques, humains et "
            "planning), le budget prévisionnel ligne par ligne, l'appel d'offres et le choix du prestataire "
            "avec les arguments de négociation, les profils mobilisés et la préparation des échanges avec "
            "les parties prenantes. Un budget consolidé et un calendrier d'ensemble terminent le dossier.\n"
        )

    def chapter(self, index: int, package: Package, wave: int) -> str:
        """One work package: tools, specification, budget, tender, team, stakeholders."""
        rng = self.rng
        name = package.name if wave == 1 else f"{package.name} (vague {wave})"
        start = PROJECT_START + timedelta(weeks=3 * (index - 1) + rng.randint(0, 2))
        parts = [
            f"## {index}. Chantier « {name} »\n",
            self.pick(INTRO_WHY, goal=package.goal) + self.pick(INTRO_CONTEXT, n=rng.randint(9, 40)) + "\n",
            f"### {index}.1 Outils techniques et cahier des charges\n",
            self._tools(package),
            self._objectives(package),
            self._needs(index, package, start),
            self.pick(STRATEGY_LINK) + "\n",
        ]
        total, external = self._budget(name, package)
        parts += [f"### {index}.2 Budget prévisionnel (année 1)\n", self._budget_text(name, total, external)]
        winner = self._tender(start, external)
        parts += [f"### {index}.3 Appel d'offres et négociation\n", winner.text]
        parts += [
            f"### {index}.4 Équipe et parties prenantes\n",
            self._profiles(winner.agency),
            self.pick(INCLUSION) + "\n",
            self.pick(GOVERNANCE) + "\n",
            self.pick(ACCEPTANCE) + "\n",
            self._stakeholders(total, winner.agency),
        ]
        return "\n".join(parts)

    # Tools: a table or a paragraph per support, at random.
    def _tools(self, package: Package) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            rows = ["| support prévu | critère du support | outil proposé | pourquoi celui-ci |", "|---|---|---|---|"]
            rows += [f"| {t.support} | {t.need} | {t.tool} | {t.why} |" for t in package.tools]
            body = "\n".join(rows) + "\n"
        else:
            sentences = [
                self.pick(TOOL_SENTENCES, support=t.support, need=t.need, tool=t.tool, why=t.why) for t in package.tools
            ]
            body = " ".join(sentences) + "\n"
        return body + "\n" + self.pick(TOOLS_OUTRO, n=rng.randint(12, 35)) + "\n"

    def _objectives(self, package: Package) -> str:
        rng = self.rng
        rows = ["| indicateur | situation 2025 | objectif à 18 mois | réalisme |", "|---|---|---|---|"]
        for objective in package.objectives:
            scale = rng.uniform(0.9, 1.1)
            if objective.baseline == 0:
                goal = objective.new_target * scale
                target = round_to(goal, 1 if goal < 1_000 else 100 if goal < 100_000 else 10_000)
                now = "0 (nouveau)"
            else:
                baseline = objective.baseline * scale
                step = 1 if baseline < 1_000 else 100 if baseline < 100_000 else 1_000
                now_value = round_to(baseline, step)
                target = round_to(now_value * objective.growth, step)
                now = number(now_value) + objective.unit
            rows.append(f"| {objective.indicator} | {now} | {number(target)}{objective.unit} | {objective.lever} |")
        return "**Objectifs chiffrés.**\n\n" + "\n".join(rows) + "\n\n" + self.pick(REALISM, year=2025) + "\n"

    def _needs(self, index: int, package: Package, start: date) -> str:
        rng = self.rng
        milestones = [
            ("envoi du cahier des charges", start),
            ("réponses des agences", start + timedelta(weeks=3)),
            ("choix du prestataire", start + timedelta(weeks=4)),
            ("maquettes ou paramétrage validés", start + timedelta(weeks=rng.randint(9, 12))),
            ("recette", start + timedelta(weeks=rng.randint(16, 19))),
            (package.deliverable, start + timedelta(weeks=rng.randint(21, 24))),
        ]
        planning = " ; ".join(f"{label} le {french_date(day)}" for label, day in milestones)
        chef, share = rng.choice(NAMES), rng.choice((40, 50, 60, 70))
        human = (
            f"{chef} pilote le chantier à {share} %, avec l'appui de l'agence retenue et des profils "
            f"décrits au § {index}.4"
        )
        if rng.random() < 0.5:
            needs = (
                "**Besoins.**\n\n"
                f"- **Fonctionnels** : {package.functional}.\n"
                f"- **Techniques** : {package.technical}.\n"
                f"- **Humains** : {human}.\n"
                f"- **Financiers** : voir le budget au § {index}.2.\n"
                f"- **Planning** : {planning}.\n"
            )
        else:
            needs = (
                f"**Besoins.** Sur le plan fonctionnel, le cahier des charges demande : {package.functional}. "
                f"Les exigences techniques sont les suivantes : {package.technical}. Côté ressources humaines, "
                f"{human} ; les ressources financières sont détaillées au § {index}.2. Le planning fixe les "
                f"jalons suivants : {planning}.\n"
            )
        return needs + "\n" + self.pick(RISKS, weeks=rng.randint(2, 4)) + "\n"

    def _budget(self, name: str, package: Package) -> tuple[int, int]:
        """Draw the amounts; keep the table for `_budget_text`. Returns (total, external)."""
        rng = self.rng
        self._budget_rows = ["| poste | détail | montant HT |", "|---|---|---|"]
        external = total = 0
        for line in package.budget:
            amount = round_to(rng.uniform(line.low, line.high), 100)
            self._budget_rows.append(f"| {line.item} | {line.detail} | {euros(amount)} |")
            total += amount
            external += amount if line.external else 0
        contingency = round_to(external * 0.05, 10)
        total += contingency
        self._budget_rows.append(f"| aléas | 5 % des postes externes ({euros(external)}) | {euros(contingency)} |")
        self._budget_rows.append(f"| **total** | | **{euros(total)}** |")
        self.totals.append((name, total))
        return total, external

    def _budget_text(self, name: str, total: int, external: int) -> str:
        return (
            "\n".join(self._budget_rows)
            + "\n\n"
            + self.pick(BUDGET_NOTE)
            + f" Les ressources externes représentent {round(100 * external / total)} % du total du chantier "
            f"« {name} ».\n"
        )

    def _tender(self, start: date, external: int) -> Tender:
        """Three agencies scored on quality, fit, price, delay and social commitments."""
        rng = self.rng
        agencies = [self.agency_pool.pop(rng.randrange(len(self.agency_pool))) for _ in range(3)]
        if len(self.agency_pool) < 3:
            self.agency_pool = list(AGENCIES)
        production = round_to(rng.uniform(0.55, 0.75) * external, 100)  # share covered by the agency
        prices = [round_to(production * rng.uniform(0.85, 1.3), 100) for _ in agencies]
        cheapest = min(prices)
        socials = rng.sample(SOCIAL, 3)
        scores = [
            {
                "quality": rng.randint(18, 28),
                "fit": rng.randint(9, 14),
                "price": max(10, round(30 * cheapest / price) - rng.randint(0, 2)),
                "delay": rng.randint(5, 10),
                "social": rng.randint(social[1], social[2]),
            }
            for price, social in zip(prices, socials, strict=True)
        ]
        totals = [sum(s.values()) for s in scores]
        while totals.count(max(totals)) > 1:  # keep a single winner
            scores[totals.index(max(totals))]["quality"] += 1
            totals = [sum(s.values()) for s in scores]
        winner = totals.index(max(totals))
        grid = [f"| critère (poids) | {' | '.join(agencies)} |", "|---|---|---|---|"]
        grid.append("| qualité : références comparables (30) | " + " | ".join(str(s["quality"]) for s in scores) + " |")
        grid.append("| compréhension du cahier des charges (15) | " + " | ".join(str(s["fit"]) for s in scores) + " |")
        grid.append(
            "| prix (30) | "
            + " | ".join(f"{s['price']} ({euros(p)})" for s, p in zip(scores, prices, strict=True))
            + " |"
        )
        grid.append("| délai compatible (10) | " + " | ".join(str(s["delay"]) for s in scores) + " |")
        grid.append(
            "| engagements sociétaux (15) | "
            + " | ".join(f"{s['social']} ({social[0]})" for s, social in zip(scores, socials, strict=True))
            + " |"
        )
        grid.append("| **total** | " + " | ".join(f"**{t}**" for t in totals) + " |")
        gap = round(100 * (prices[winner] - cheapest) / cheapest)
        price_note = (
            "Elle est aussi la moins chère des trois offres."
            if gap == 0
            else f"Son prix est {gap} % au-dessus de l'offre la moins chère, écart compensé par la qualité "
            "de ses références et la solidité de son planning."
        )
        analysis = " ".join(
            self.pick(
                OFFER_SENTENCES,
                agency=agency,
                price=euros(price),
                quality=score["quality"],
                social=social[0],
                delay="tient" if score["delay"] >= 8 else "tient difficilement",
            )
            for agency, price, score, social in zip(agencies, prices, scores, socials, strict=True)
        )
        target_price = round_to(prices[winner] * rng.uniform(0.9, 0.95), 100)
        arguments = [
            upper_first(argument.format(pct=rng.randint(4, 9), days=rng.randint(2, 6)))
            for argument in rng.sample(NEGOTIATION, 3)
        ]
        if rng.random() < 0.5:
            negotiation = "\n".join(f"{rank}. {argument}." for rank, argument in enumerate(arguments, start=1))
        else:
            negotiation = (
                "Nous proposerons d'abord ceci : "
                + arguments[0][:1].lower()
                + arguments[0][1:]
                + ". En contrepartie d'un effort supplémentaire, nous pouvons accepter la condition suivante : "
                + arguments[1][:1].lower()
                + arguments[1][1:]
                + ". Dernier levier, à garder pour la fin de l'échange : "
                + arguments[2][:1].lower()
                + arguments[2][1:]
                + "."
            )
        text = (
            f"Trois agences ont répondu au cahier des charges envoyé le {french_date(start)}. "
            "Grille de notation (sur 100) :\n\n"
            + "\n".join(grid)
            + "\n\n"
            + analysis
            + f"\n\n**Choix : {agencies[winner]}.** L'agence obtient la meilleure note globale "
            f"({totals[winner]}/100) et ses engagements sociétaux ({socials[winner][0]}) sont cohérents avec "
            f"les valeurs d'Alvéa. {price_note}\n\n"
            f"**Arguments de négociation** (objectif : revenir à {euros(target_price)}, contre "
            f"{euros(prices[winner])} dans l'offre) :\n\n" + negotiation + "\n"
        )
        return Tender(agencies[winner], text)

    def _profiles(self, agency: str) -> str:
        rng = self.rng
        chosen = [
            (role, origin.format(name=rng.choice(NAMES), pct=rng.choice((30, 40, 50, 60)), agency=agency), role_text)
            for role, origin, role_text in rng.sample(PROFILES, rng.randint(5, 6))
        ]
        if rng.random() < 0.3:
            rows = ["| profil | interne / externe | apport complémentaire |", "|---|---|---|"]
            rows += [f"| {role} | {origin} | {contribution} |" for role, origin, contribution in chosen]
            return "\n".join(rows) + "\n"
        sentences = [
            f"le profil de {role} ({origin}) apporte : {contribution}" for role, origin, contribution in chosen
        ]
        return (
            "**Profils.** L'équipe réunit des compétences complémentaires : "
            + " ; ".join(sentences)
            + ". Aucun profil ne fait double emploi : l'interne garde les arbitrages et la connaissance des "
            "clientes, l'externe apporte la production et l'expertise technique.\n"
        )

    def _stakeholders(self, total: int, agency: str) -> str:
        rng = self.rng
        entries = []
        for who, question, answer in rng.sample(STAKEHOLDERS, 4):
            values = {
                "total": euros(total),
                "gain": euros(round_to(total * rng.uniform(1.3, 2.2), 1000)),
                "months": rng.randint(8, 16),
                "visits": number(rng.randint(20, 90) * 100),
                "agency": agency,
                "weeks": rng.randint(2, 4),
                "hours": rng.choice((7, 10, 14)),
                "share": rng.randint(5, 30),
            }
            entries.append((who, question.format(**values), answer.format(**values)))
        if rng.random() < 0.4:
            rows = ["| partie prenante | question probable | réponse préparée |", "|---|---|---|"]
            rows += [f"| {who} | {question} | {answer} |" for who, question, answer in entries]
            return "**Questions attendues des parties prenantes.**\n\n" + "\n".join(rows) + "\n"
        paragraphs = [
            f"**{upper_first(who)}.** {question} Réponse préparée : {answer}." for who, question, answer in entries
        ]
        return "**Questions attendues des parties prenantes.**\n\n" + "\n\n".join(paragraphs) + "\n"

    def annex_entry(self, number_: int) -> str:
        """One extra prepared answer for the annex (used to reach the word target)."""
        rng = self.rng
        who, question, answer = rng.choice(STAKEHOLDERS)
        name, total = rng.choice(self.totals)
        values = {
            "total": euros(total),
            "gain": euros(round_to(total * rng.uniform(1.3, 2.2), 1000)),
            "months": rng.randint(8, 16),
            "visits": number(rng.randint(20, 90) * 100),
            "agency": rng.choice(AGENCIES),
            "weeks": rng.randint(2, 4),
            "hours": rng.choice((7, 10, 14)),
            "share": rng.randint(5, 30),
        }
        return (
            f"**Question {number_} — {who}, chantier « {name} ».** {question.format(**values)} "
            f"Réponse préparée : {answer.format(**values)}. " + self.pick(ANNEX_FOLLOW_UP) + "\n"
        )

    def closing(self, next_index: int) -> str:
        grand_total = sum(total for _, total in self.totals)
        envelope = round_to(grand_total * (1 + VALIDATED_MARGIN), 10_000)
        rows = ["| chantier | budget année 1 | part du total |", "|---|---|---|"]
        rows += [f"| {name} | {euros(total)} | {round(100 * total / grand_total)} % |" for name, total in self.totals]
        rows.append(f"| **total** | **{euros(grand_total)}** | 100 % |")
        share = round(100 * grand_total / envelope, 1)
        return (
            f"## {next_index}. Budget consolidé et calendrier d'ensemble\n\n"
            + "\n".join(rows)
            + f"\n\nL'enveloppe validée par le comité de direction est de {euros(envelope)} ; le plan en "
            f"consomme {str(share).replace('.', ',')} %. La marge restante ({euros(envelope - grand_total)}) "
            "est affectée aux imprévus transverses (recrutement, second tournage, tests supplémentaires). "
            "Les chantiers sont décalés de trois semaines en trois semaines pour étaler la charge de l'équipe "
            "interne et ne pas superposer deux recettes.\n\n"
            f"## {next_index + 1}. Conclusion et message de soutenance\n\n"
            "Le plan tient dans l'enveloppe validée, chaque outil est relié à un support de la stratégie, "
            "chaque prestataire a été choisi sur une grille explicite et chaque question attendue des parties "
            "prenantes a une réponse chiffrée. Message de clôture prévu : « Un plan qui vend mieux en ligne, "
            "qui envoie des clientes en boutique et qui se mesure chaque semaine. »\n"
        )


def build_markdown(seed: int = DEFAULT_SEED, target_words: int = DEFAULT_WORDS) -> str:
    """The draft's Markdown, close to `target_words`.

    Whole chapters are added while the draft stays under the target; an annex of
    further prepared answers (about 60 words each) then brings it up to the target.
    """
    builder = DraftBuilder(seed)
    order = list(PACKAGES)
    builder.rng.shuffle(order)
    sections = [builder.header()]
    chapters = 0
    while chapters < MAX_CHAPTERS:
        state = builder.rng.getstate(), list(builder.totals), list(builder.agency_pool)
        package = order[chapters % len(order)]
        candidate = builder.chapter(chapters + 1, package, 1 + chapters // len(order))
        closing = builder.closing(chapters + 3)
        if chapters and word_count("\n".join([*sections, candidate, closing])) > target_words:
            builder.rng.setstate(state[0])  # drop the chapter that would overshoot
            builder.totals, builder.agency_pool = state[1], state[2]
            break
        sections.append(candidate)
        chapters += 1
    closing = builder.closing(chapters + 2)
    annex = [f"## {chapters + 1}. Annexe — autres questions préparées pour la soutenance\n"]
    while word_count("\n".join([*sections, *annex, closing])) < target_words:
        annex.append(builder.annex_entry(len(annex)))
    if len(annex) == 1:
        annex.clear()
        closing = builder.closing(chapters + 1)
    return "\n".join([*sections, *annex, closing])


def page_count(pdf: Path) -> int:
    """Pages of a PDF (pypdf is a project dependency)."""
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a long E2-style draft PDF for benchmarks.")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"PDF path (default {DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--words", type=int, default=DEFAULT_WORDS, help="target word count (default %(default)s)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the Markdown source here")
    args = parser.parse_args(argv)

    markdown = build_markdown(args.seed, args.words)
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown, encoding="utf-8")
    try:
        render_markdown(markdown, args.out)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {word_count(markdown)} words, {page_count(args.out)} pages (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
