"""Words for fictional people, companies and places."""

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Alice", "Lina", "Sarah", "Julie",
    "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Raphaël", "Paul", "Adam",
    "Mohamed", "Karim", "Yasmine", "Nicolas", "Thomas", "Antoine", "Élodie", "Sophie", "Pierre", "Marie",
    "Isabelle", "Nathalie", "Philippe", "Christophe", "Céline", "Aurélie", "Maxime", "Valérie", "Bruno",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Benali",
]
COMPANY_WORDS = [
    "Atelier", "Boulangerie", "Cabinet", "Transports", "Menuiserie", "Garage", "Pharmacie", "Studio", "Agence",
    "Bureau d'études", "Clinique vétérinaire", "Plomberie", "Électricité", "Imprimerie", "Librairie", "Traiteur",
    "Conseil", "Architectes", "Logistique", "Immobilier", "Nettoyage", "Paysages", "Ambulances", "Taxis",
]
COMPANY_TAILS = [
    "du Centre", "de la Gare", "des Alpes", "Atlantique", "Provence", "du Rhône", "Bretagne", "Occitanie",
    "Val de Loire", "des Flandres", "Méditerranée", "du Lac", "Saint-Michel", "Pasteur", "Voltaire", "Horizon",
]
LEGAL_FORMS = ["SARL", "SAS", "SASU", "EURL", "SA", "SCI", "SELARL"]
STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue Pasteur",
    "place de la Mairie", "rue du Général de Gaulle", "avenue de la Libération", "rue des Écoles",
    "chemin des Vignes", "rue Nationale", "allée des Tilleuls", "quai de la Loire", "impasse des Lilas",
]
CITIES = [
    ("75011", "Paris"), ("75015", "Paris"), ("69003", "Lyon"), ("13008", "Marseille"), ("31000", "Toulouse"),
    ("33000", "Bordeaux"), ("44000", "Nantes"), ("59000", "Lille"), ("67000", "Strasbourg"),
    ("34000", "Montpellier"), ("35000", "Rennes"), ("06000", "Nice"), ("21000", "Dijon"), ("37000", "Tours"),
    ("63000", "Clermont-Ferrand"), ("76000", "Rouen"), ("29200", "Brest"), ("38000", "Grenoble"),
    ("97110", "Pointe-à-Pitre"), ("97400", "Saint-Denis"),
]
LINE_LABELS = ["Direction", "Commercial", "Atelier", "Accueil", "Livraison", "Technicien", "Comptabilité",
               "Chantier", "Standard", "Astreinte"]
COST_CENTRES = ["ADM", "COM", "PROD", "LOG", "SAV", "RH"]
