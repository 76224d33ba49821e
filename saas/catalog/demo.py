"""Demo catalog: families, about fifty products and services with realistic French prices."""

from decimal import Decimal

import pghistory
from django.db import transaction

from saas.catalog import services
from saas.catalog.models import Product, Service, Unit, VatRate
from saas.records.enums import RecordSource

PRODUCTS = {
    "Informatique": [("Ordinateur portable 14\"", "899"), ("Écran 27\" QHD", "279"), ("Clavier sans fil", "49"),
                     ("Souris ergonomique", "39"), ("Station d'accueil USB-C", "159"), ("Disque SSD 1 To", "89"),
                     ("Imprimante laser", "249"), ("Routeur Wi-Fi 6", "129"), ("Casque audio", "79"),
                     ("Webcam HD", "59"), ("Onduleur 1500 VA", "219"), ("Serveur NAS 4 baies", "549")],
    "Mobilier": [("Bureau assis-debout", "499"), ("Fauteuil ergonomique", "349"), ("Caisson 3 tiroirs", "129"),
                 ("Armoire métallique", "389"), ("Table de réunion 8 places", "899"), ("Lampe de bureau LED", "45"),
                 ("Tableau blanc magnétique", "119"), ("Cloison acoustique", "259")],
    "Fournitures": [("Ramette papier A4", "5.90"), ("Cartouche toner noir", "69"), ("Classeur à levier", "3.20"),
                    ("Stylos bille (boîte de 50)", "12.50"), ("Enveloppes C4 (250)", "24"), ("Agrafeuse", "14.90"),
                    ("Post-it (12 blocs)", "9.90"), ("Carnet de notes", "4.50"), ("Chemises cartonnées (100)", "18"),
                    ("Étiquettes adresse (400)", "16")],
}
SERVICES = {
    "Prestations": [("Installation sur site", "450", "d"), ("Maintenance annuelle", "1200", "pkg"),
                    ("Assistance téléphonique", "65", "h"), ("Audit informatique", "950", "d"),
                    ("Migration de données", "750", "d"), ("Configuration réseau", "85", "h"),
                    ("Intervention d'urgence", "120", "h"), ("Sauvegarde externalisée", "49", "month"),
                    ("Hébergement messagerie", "6", "month"), ("Supervision serveurs", "89", "month")],
    "Formation": [("Formation bureautique", "690", "d"), ("Formation cybersécurité", "890", "d"),
                  ("Formation tableur avancé", "590", "d"), ("Atelier prise en main", "350", "pkg"),
                  ("Coaching individuel", "95", "h"), ("Formation comptabilité", "790", "d"),
                  ("Webinaire RGPD", "150", "pkg"), ("Formation management", "990", "d")],
}


def demo_catalog_fill(*, actor) -> int:
    """Fill an empty catalog; returns how many items were created."""
    if Product.objects.exists() or Service.objects.exists():
        return 0
    units = {unit.code: unit for unit in Unit.objects.all()}
    reduced = VatRate.objects.filter(rate=Decimal("5.50")).first()
    count = 0
    with transaction.atomic(), pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        for model, catalog in ((Product, PRODUCTS), (Service, SERVICES)):
            for family_name, items in catalog.items():
                family = services.family_create(actor=actor, fields={"name": family_name},
                                                source=RecordSource.IMPORT)
                for index, item in enumerate(items):
                    name, price, unit = (*item, "u")[:3]  # products are counted in units
                    fields = {"sku": f"{family_name[:3].upper()}-{index + 1:03d}", "name": name, "family": family,
                              "sale_price": Decimal(price), "purchase_price": (Decimal(price) * Decimal("0.6")
                                                                               ).quantize(Decimal("0.01")),
                              "unit": units[unit]}
                    if model is Service and family_name == "Formation" and reduced is not None and index == 0:
                        fields["vat_rate"] = reduced
                    if model is Product:
                        fields["stock_managed"] = family_name != "Fournitures"
                    services.item_create(actor=actor, model=model, fields=fields, source=RecordSource.IMPORT)
                    count += 1
    return count
